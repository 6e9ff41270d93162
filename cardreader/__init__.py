"""Thai national ID card: APDU protocol, parsing, card data types, PC/SC transport, virtual card.

Imports no other package of this project (import-linter contract in pyproject.toml).
"""

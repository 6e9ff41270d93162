"""NHSO (สปสช.), the health-care right: the adapter (`adapters.nhso.adapter`), NHSO's three APIs
(`srm`, `v2`, `ucws`) and the right codes (`adapters.nhso.rights`). The entry point
`gov_smart_kiosk.adapters: nhso` is `adapters.nhso:create`."""

from adapters.nhso.adapter import NhsoAdapter, create

__all__ = ["NhsoAdapter", "create"]

"""Agency adapters: the `AgencyAdapter` interface, the built-in agencies and the agency simulator.

Built-ins register through the `gov_smart_kiosk.adapters` entry-point group exactly like
third-party adapters. Uses only `cardreader`'s data types from the rest of the project.
"""

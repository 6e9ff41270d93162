"""The agency simulator: docs/agency-api.md served on loopback from a JSON data set, with faults.

Used by tests, the demo and the benchmarks in-process (`AgencySimulator`), and by people as
`kiosk agency-sim`.
"""

from adapters.simulator.dataset import Dataset, DatasetError
from adapters.simulator.faults import Fault, FaultError, parse_fault
from adapters.simulator.server import AgencySimulator

__all__ = ["AgencySimulator", "Dataset", "DatasetError", "Fault", "FaultError", "parse_fault"]

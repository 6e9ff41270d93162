"""Asking the agencies about a citizen: the adapters built from the configuration, the check
(every agency in parallel, one deadline), the connectivity monitor, the offline fallback to the
cache and the card, and the snapshot writer."""

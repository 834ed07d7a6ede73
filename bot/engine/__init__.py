"""The transport-free conversation engine: ``engine.Engine`` with plain data from ``types``."""

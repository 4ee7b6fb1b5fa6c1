"""The plan model shared by the tooling: stack config, registrations, stateful types.

Imported by preview/, automation/, benchmarks/ and tests/; never by components/ or policies/.
It imports neither the mock engine (preview/) nor the Automation API.
"""

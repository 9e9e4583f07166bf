"""What every exchange simulator shares: HTTP/1.1 on asyncio, a background server, faults, stats.

Standard library only, like the simulators built on it, so they can ship inside folio and run
anywhere Python does. An exchange simulator supplies a :class:`~adapters.simkit.server.Service`
(its request handler, options and :class:`~adapters.simkit.runtime.Runtime`) and gets a real
server on a loopback port, fault injection (latency, error pages, resets, truncated or garbled
bodies, error envelopes, clock offsets) and request counters that tests read.
"""

"""The shared adapter kit: what every exchange adapter is built from (docs/plugins.md).

:mod:`.call` (the typed request), :mod:`.sender` (pacing, deadline, retries), :mod:`.body`
(bounded reading), :mod:`.client` (the client base), :mod:`.flight` (shared runs),
:mod:`.clock` (the signing clock), :mod:`.ratelimit`, :mod:`.strict` (strict wire reading),
:mod:`.responses` (answer decoding) and :mod:`.options` (option tables).
"""

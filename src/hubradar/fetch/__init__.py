"""The Hub: transport with bounded retries, the client, paged listings, the bundled snapshot."""

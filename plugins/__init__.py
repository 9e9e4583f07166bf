"""folio plugins: thin pluggy hook implementations that hand an adapter to the core."""

"""Exchange adapters: one package per exchange, each knowing nothing of pluggy."""

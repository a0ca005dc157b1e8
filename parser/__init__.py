"""The language layer: grammar loading, cases and programs."""

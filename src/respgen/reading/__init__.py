"""Reading the officer's files: YAML with line positions, the data contract, plain messages."""

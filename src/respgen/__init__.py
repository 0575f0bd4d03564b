"""respgen: a Police and Crime Commissioner's response to an HMICFRS inspection,
from one YAML file to a house-style Word document and an accessible, archival PDF."""

__version__ = "0.1.0"

"""Templates and static files of the web page (package data; see render/html.py)."""

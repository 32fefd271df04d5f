"""The web workspace: server pages (Jinja2) with Vega-Lite charts, at /."""

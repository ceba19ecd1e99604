"""The box's HTTP API: ``create_app(store_dir, control, ApiConfig(...))``; serve with
``device.api.server.serve`` (blocking) or ``start_in_thread``."""

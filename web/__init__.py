"""The web chat's pieces: HTML rendering, the feedback store, the Gradio page and its handlers.

Importing this package switches off Gradio's and the Hugging Face hub's network calls
(analytics, version checks, telemetry) before any module here imports gradio.
"""

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

"""The runtime: compose sentences with onnxruntime and serve them (CLI, terminal chat, Telegram bot).

Needs only onnxruntime, sentencepiece, numpy, tossi and python-telegram-bot. It never imports
`training` or torch; `training` and `bench` may import from here (one engine for everything).
Modules: words (input rules), realize (output symbols → text), tokens (source layout), engine
(load exported/, constrained beam search), cli (`ieum`), chat (terminal), app (`ieum-bot`), store.
"""

import os

# onnxruntime phones home (DNS look-ups, a device id under ~/.cache/Microsoft) unless this is set
# before it is imported; an offline tool for children and AAC users must not.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

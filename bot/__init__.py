"""The runtime: compose sentences with onnxruntime and serve them (CLI, terminal chat, Telegram bot).

Needs only onnxruntime, sentencepiece, numpy, tossi and python-telegram-bot. It never imports
`training` or torch; `training` and `bench` may import from here (one engine for everything).
Modules: words (input rules), realize (output symbols → text), tokens (source layout), engine
(load exported/, constrained beam search), cli (`ieum`), chat (terminal), app (`ieum-bot`), store.
"""

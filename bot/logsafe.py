"""Keep the bot token out of every log line and error message.

The token is the bot's password, and it sits in every Bot API URL, so a network error, a wrong
token or a wrong `--base-url` would otherwise print it. `protect(token)` masks it in each record
that reaches the root handlers (message, arguments, exception and stack text); `mask` does the
same for text printed outside logging.
"""

from __future__ import annotations

import logging

MASK = "<token>"


def mask(text: str, token: str) -> str:
    """`text` with the token, and its secret part after the colon, replaced by <token>."""
    secret = token.partition(":")[2]
    text = text.replace(token, MASK)
    return text.replace(secret, MASK) if len(secret) >= 8 else text


class TokenFilter(logging.Filter):
    """A handler filter that rewrites each record with the token masked."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask(record.getMessage(), self.token), None
        if record.exc_info:
            record.exc_text = mask(self._formatter.formatException(record.exc_info), self.token)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask(record.exc_text, self.token)
        if record.stack_info:
            record.stack_info = mask(record.stack_info, self.token)
        return True


def protect(token: str) -> None:
    """Mask the token in everything the root logger's handlers write."""
    token_filter = TokenFilter(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)

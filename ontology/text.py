"""Which characters are not text: the rule the loaders hold data to, and what XML cannot carry.

Control characters other than tab and line breaks, and lone surrogates, break terminals and
serializers alike: the data files may not contain them (:data:`NOT_TEXT`). XML 1.0 (and so
GraphML, GEXF and SVG) cannot carry the same C0 controls and surrogates, nor U+FFFE and
U+FFFF, not even as character references; it can carry DEL (:data:`XML_ILLEGAL`).

>>> NOT_TEXT.search("tab\\tand\\nline") is None, NOT_TEXT.search("bell\\x07").start()
(True, 4)
>>> XML_ILLEGAL.search("del\\x7f") is None, XML_ILLEGAL.search("\\uffff") is not None
(True, True)
"""

from __future__ import annotations

import re

__all__ = ["NOT_TEXT", "XML_ILLEGAL"]

# C0 controls but tab (\x09), line feed (\x0a) and carriage return (\x0d)
_C0 = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f"
_SURROGATES = "\\ud800-\\udfff"

#: A character the data files may not contain: a C0 control but tab and line breaks, DEL,
#: or a lone surrogate.
NOT_TEXT = re.compile(f"[{_C0}\\x7f{_SURROGATES}]")
#: A character XML 1.0 cannot carry: a C0 control but tab and line breaks, a surrogate,
#: U+FFFE or U+FFFF.
XML_ILLEGAL = re.compile(f"[{_C0}{_SURROGATES}\\ufffe\\uffff]")

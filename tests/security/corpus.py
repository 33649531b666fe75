"""Classic cross-site scripting payloads, each one unique so a test can find where it lands. No I/O."""

from __future__ import annotations

XSS = [
    '<script>alert("xss-1")</script>',
    "<img src=x onerror=alert('xss-2')>",
    '"><svg/onload=alert(3)>xss-3',
    "</textarea><iframe src=javascript:alert(4)>xss-4",
    '<a href="jav&#x09;ascript:alert(5)">xss-5</a>',
    "{{7*7}} ${7*7} <%= 7*7 %> xss-6",
    "<scr<script>ipt>alert(7)</script>xss-7",
    "<body onload=alert(8)><b>xss-8",
    "<svg><script>alert&#40;9&#41;</script></svg>xss-9",
    "javascript:alert(10)//xss-10",
    "<style>*{display:none}</style>xss-11 \u202egnp.exe",
    "＜script＞alert(12)＜/script＞ xss-12 <!--",
]
# Markup a browser would run if it reached a page unescaped (the corpus minus the plain-text ones).
DANGEROUS = [p for p in XSS if "<" in p]

"""Excel column letters, the way users name a column before headers are known, and the
numbers a file declares (row references, repetitions), read without trusting their size."""
from __future__ import annotations

# Far beyond any limit, so an absurd number is refused as too many rows or columns. Python
# refuses int() on more than 4,300 digits: a 5,000-digit reference must not escape as a
# ValueError.
HUGE = 10 ** 12


def column_letter(number: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_number(letters: str | bytes) -> int:
    """"A" -> 1, "aa" -> 27 (calamine accepts lower case too)."""
    if len(letters) > 8:
        return HUGE
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def bounded_int(digits: str | bytes) -> int:
    """A run of digits from the file; HUGE when it is absurdly long."""
    return int(digits) if len(digits) <= 12 else HUGE

"""The UTS #39 skeleton: look-alike strings share one."""

import pytest

from kiosque.core.confusables import confusable, prototypes, skeleton


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("DUPONT", "DUРONT"),  # Cyrillic Р
        ("paypal", "pаypаl"),  # Cyrillic а
        ("Nathalie", "NathaIie"),  # capital I for l
        ("modem", "rnodem"),  # "rn" looks like "m"
        ("Élodie", "E\u0301lodie"),  # composed or not
        ("Jean-Luc", "Jean\u2010Luc"),  # hyphen
    ],
)
def test_look_alikes_share_a_skeleton(a, b):
    assert skeleton(a) == skeleton(b)
    assert confusable(a, b)


@pytest.mark.parametrize(("a", "b"), [("DUPONT", "DUPOND"), ("Paul", "Pauline"), ("é", "e")])
def test_different_strings_keep_different_skeletons(a, b):
    assert not confusable(a, b)


def test_the_unicode_data_is_loaded_whole():
    table = prototypes()
    assert len(table) == 6311  # confusables.txt 14.0.0
    assert table["\u0420"] == "P" and table["m"] == "rn"
    assert skeleton("") == ""

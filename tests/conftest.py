"""Fixtures shared by the tests: the library's language for one test."""

import matplotlib.pyplot as plt
import pytest

from rugged import i18n, style


def _speaking(lang):
    i18n.set_language(lang)
    style.use(lang=lang)


@pytest.fixture
def zh():
    """The library speaks Chinese during the test (English again afterwards)."""
    _speaking("zh")
    yield
    i18n.set_language(None)
    style.use()
    plt.close("all")


@pytest.fixture
def en():
    """The library speaks English during the test, whatever the folder or $RUGGED_LANG."""
    _speaking("en")
    yield
    i18n.set_language(None)
    style.use()
    plt.close("all")

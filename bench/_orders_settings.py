"""Settings of the order benchmark's server: the project's settings with a URL conf that
adds the minimal order view (bench/_orders_app.py) next to every project URL."""

from qudao.settings import *  # noqa: F403 - the project's settings, unchanged but one

ROOT_URLCONF = "_orders_app"

"""Sysops from Python: the same rules the mobile app and the Rust services run.

Open a database, act as someone, and call the facade::

    import sysops
    s = sysops.Sysops.open("sqlite://sysops.db")
    helpdesk = sysops.Actor(sysops.Role.HELPDESK, helpdesk_account_id)
    ticket = s.submit_ticket(helpdesk, customer_id, category="television", description="No picture")

Every call releases the GIL while the database works. Every failure is a
:class:`SysopsError` subclass carrying its data as attributes.
"""

from ._sysops import *  # noqa: F401,F403
from . import _sysops

__all__ = [name for name in dir(_sysops) if not name.startswith("_")]

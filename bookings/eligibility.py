"""Who may book which session type."""


def may_book(client, session_type):
    """True when `client` may book `session_type`.

    The intake gate plugs in here: the clients app will refuse paid sessions until the
    client's intake is approved. The booking function calls this before it holds any time.
    """
    return True

"""Errors shared by all importers."""


class ImportFailed(Exception):
    """A file that cannot be imported; the message is one clear Chinese sentence."""


MAX_FILE_BYTES = 20 * 1024 * 1024  # a form is a few dozen KB; anything this big is not one

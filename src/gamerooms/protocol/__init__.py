"""Wire protocol: error and close codes, client-message parsing, server-frame building."""

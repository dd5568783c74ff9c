"""Load formats that ship with dataio itself."""

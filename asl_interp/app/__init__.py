"""What users call: ``api`` (the Python API), ``loading`` (spec folders through the on-disk
cache), ``report`` (reading options, rendering results) and ``cli`` (the commands).
"""

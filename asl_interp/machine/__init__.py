"""The machine model: registers (``model``), user state (``state``), implementation profiles
(``profile``), outcomes (``outcome``) and the ``Machine`` World (``machine``)."""

"""Settings for every test and notebook run by pytest: no developer's own .env may leak into a test
(``connect()`` would read it), nor live credentials from the environment."""

from __future__ import annotations

import os

os.environ["OMS_TOOLKIT_DOTENV"] = "off"
for _name in ("SF_INSTANCE_URL", "SF_SESSION_ID", "SF_USERNAME", "SF_PASSWORD", "SF_SECURITY_TOKEN", "SF_DOMAIN",
              "SF_ALIAS", "OMS_TOOLKIT_SF", "STRIPE_API_KEY"):
    os.environ.pop(_name, None)

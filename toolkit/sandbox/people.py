"""Made-up shoppers for the sandbox's worlds: varied names, emails, phones, billing and shipping addresses.

Every order placed by the storefront simulator gets one, drawn deterministically from its order number (the same
order always gets the same shopper, so the demo world rebuilds byte for byte). They exist so that the toolkit's
masking of personal data (``toolkit.core.privacy``) is tested on data that looks like a real order's: names with
accents and in Japanese script, plus-addressed emails, phones in several national formats, addresses with a
second line, parcels shipped to another address.

Everything here is fictional: emails use the domains reserved for examples (``example.com``, ``.org``, ``.net``,
RFC 2606), US phone numbers the 555-01xx range reserved for fiction, and the streets are invented.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

__all__ = ["Address", "Shopper", "shopper_for"]


@dataclass(frozen=True)
class Address:
    """A postal address in Stripe's shape (``line1``, ``line2``, ``city``, ``state``, ``postal_code``, ISO
    ``country``)."""

    line1: str
    line2: str | None
    city: str
    state: str | None
    postal_code: str
    country: str

    def stripe(self) -> dict[str, str | None]:
        """Stripe's ``address`` hash."""
        return {"city": self.city, "country": self.country, "line1": self.line1, "line2": self.line2,
                "postal_code": self.postal_code, "state": self.state}

    @property
    def street(self) -> str:
        """Salesforce's ``Street`` (a text area: the lines joined by a newline)."""
        return self.line1 if not self.line2 else f"{self.line1}\n{self.line2}"


@dataclass(frozen=True)
class Shopper:
    """Who placed an order: name, email, phone, where the bill goes and where the parcel goes."""

    name: str
    email: str
    phone: str
    billing: Address
    shipping: Address

    def billing_details(self) -> dict[str, object]:
        """Stripe's ``billing_details`` of the charge (``tax_id`` empty: consumers have none)."""
        return {"address": self.billing.stripe(), "email": self.email, "name": self.name, "phone": self.phone,
                "tax_id": None}


# --- where people live, by the currency they pay in ---------------------------------------------------------
_PLACES: dict[str, list[tuple[str, str | None, str, str]]] = {  # country -> (city, state, postal code, phone head)
    "US": [("Portland", "OR", "97205", "+1 503 555 01"), ("Austin", "TX", "78701", "+1 512 555 01"),
           ("Brooklyn", "NY", "11201", "+1 718 555 01"), ("Madison", "WI", "53703", "+1 608 555 01"),
           ("Oakland", "CA", "94612", "+1 510 555 01"), ("Savannah", "GA", "31401", "+1 912 555 01")],
    "DE": [("Berlin", None, "10115", "+49 30 5550 1"), ("München", None, "80331", "+49 89 5550 1"),
           ("Köln", None, "50667", "+49 221 5550 1")],
    "FR": [("Lyon", None, "69002", "+33 4 72 55 50 1"), ("Paris", None, "75011", "+33 1 45 55 50 1")],
    "NL": [("Utrecht", None, "3511 AB", "+31 30 555 01"), ("Groningen", None, "9711 CD", "+31 50 555 01")],
    "ES": [("Sevilla", None, "41001", "+34 954 555 01"), ("València", None, "46002", "+34 963 555 01")],
    "IE": [("Galway", None, "H91 E2K3", "+353 91 555 01")],
    "JP": [("渋谷区", "東京都", "150-0002", "+81 3 5555 01"), ("大阪市北区", "大阪府", "530-0001", "+81 6 5555 01"),
           ("札幌市中央区", "北海道", "060-0001", "+81 11 555 01")],
    "GB": [("Leeds", None, "LS1 4AP", "+44 113 496 01")],
}
_COUNTRIES = {"USD": ("US",), "EUR": ("DE", "FR", "NL", "ES", "IE"), "JPY": ("JP",)}
_STREETS = {
    "US": ["Alder Street", "Juniper Avenue", "Harbor View Road", "Maple Court", "Prairie Lane", "Cedar Hollow Drive"],
    "DE": ["Lindenstraße", "Am Kanal", "Gartenweg", "Schillerplatz"],
    "FR": ["rue des Tilleuls", "avenue Jean-Jaurès", "quai de la Loire"],
    "NL": ["Oudegracht", "Zonnebloemstraat", "Herenweg"],
    "ES": ["Calle del Olivo", "Avinguda del Port", "Plaza de la Luna"],
    "IE": ["Quay Street", "Sea Road"],
    "JP": ["神宮前1丁目", "梅田2丁目", "北1条西3丁目"],
    "GB": ["Briggate", "Park Row"],
}
_NAMES = {  # country -> (given, family)
    "US": [("Ana", "Souza"), ("Marcus", "Whitfield"), ("Priya", "Raman"), ("DeShawn", "Carter"), ("Mei", "Lin"),
           ("Olivia", "O'Connor"), ("Jamal", "Haddad"), ("Rosa", "Delgado"), ("Ethan", "Brooks"),
           ("Sofia", "Kowalski")],
    "DE": [("Jürgen", "Weiß"), ("Lena", "Schäfer"), ("Björn", "Lindqvist"), ("Aylin", "Demir")],
    "FR": [("Chloé", "Martin"), ("Benoît", "Lefèvre"), ("Inès", "Benali")],
    "NL": [("Sanne", "de Vries"), ("Daan", "van der Berg")],
    "ES": [("Mateo", "García"), ("Núria", "Puig")],
    "IE": [("Aoife", "Ní Bhriain"), ("Cian", "Ó Súilleabháin")],
    "JP": [("花子", "田中"), ("陽翔", "佐藤"), ("Yuki", "Watanabe")],
    "GB": [("Harriet", "Okafor")],
}
_ROMAJI = {"花子": "hanako", "田中": "tanaka", "陽翔": "haruto", "佐藤": "sato"}
_DOMAINS = ("example.com", "example.org", "example.net")


def _ascii(text: str) -> str:
    """An email-safe rendering of a name part: romaji for the Japanese ones, accents dropped, no spaces."""
    text = _ROMAJI.get(text, text)
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _address(rnd: random.Random, country: str) -> tuple[Address, str]:
    place = rnd.randrange(len(_PLACES[country]))
    city, state, postal, phone_head = _PLACES[country][place]
    streets = _STREETS[country]
    street = streets[place % len(streets)] if country == "JP" else rnd.choice(streets)  # 梅田 is in Osaka
    number = rnd.randint(2, 980)
    line1 = f"{street} {number}" if country in ("DE", "NL", "ES") else \
        f"{street}{number}番" if country == "JP" else f"{number} {street}"
    line2 = rnd.choice([None, None, None, f"Apt {rnd.randint(1, 40)}", f"Floor {rnd.randint(2, 9)}"])
    if country == "JP" and line2 is not None:
        line2 = f"{rnd.randint(101, 905)}号室"
    return Address(line1, line2, city, state, postal, country), phone_head


def shopper_for(order_number: str, currency: str) -> Shopper:
    """The shopper of an order: the same for the same order number; living where the currency is paid (US for USD,
    a euro country for EUR, Japan for JPY, the UK otherwise)."""
    rnd = random.Random(f"shopper:{order_number}")
    country = rnd.choice(_COUNTRIES.get(currency.upper(), ("GB",)))
    given, family = rnd.choice(_NAMES[country])
    name = f"{family} {given}" if country == "JP" and not given.isascii() else f"{given} {family}"
    tag = rnd.choice(["", "", "", "+orders", "+shop"])
    email = f"{_ascii(given)}.{_ascii(family)}{tag}@{rnd.choice(_DOMAINS)}"
    billing, phone_head = _address(rnd, country)
    phone = f"{phone_head}{rnd.randint(0, 99):02d}"
    shipping = _address(rnd, country)[0] if rnd.random() < 0.3 else billing  # a gift, or a parcel sent to work
    return Shopper(name, email, phone, billing, shipping)

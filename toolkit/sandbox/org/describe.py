"""Describe results in the shape of Salesforce's REST API, built from the sandbox schema.

``describe_global`` answers ``GET sobjects``; ``describe_object`` answers ``GET sobjects/{Object}/describe``;
``object_info`` answers ``GET sobjects/{Object}``. Toolkit code outside the sandbox learns key prefixes,
picklists and relationship names from these, never from the schema module.
"""

from __future__ import annotations

from typing import Any

from toolkit.sandbox.org.schema import SCHEMA, Field, SObject

__all__ = ["describe_global", "describe_object", "object_info"]

_SOAP_TYPES = {
    "id": "tns:ID", "reference": "tns:ID", "string": "xsd:string", "textarea": "xsd:string", "picklist": "xsd:string",
    "email": "xsd:string", "currency": "xsd:double", "double": "xsd:double", "int": "xsd:int",
    "boolean": "xsd:boolean", "date": "xsd:date", "datetime": "xsd:dateTime",
}


def _urls(obj: SObject, api_version: str) -> dict[str, str]:
    base = f"/services/data/v{api_version}/sobjects/{obj.name}"
    return {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"}


def _object_summary(obj: SObject, api_version: str) -> dict[str, Any]:
    return {
        "activateable": False,
        "createable": True,
        "custom": False,
        "customSetting": False,
        "deepCloneable": False,
        "deletable": True,
        "deprecatedAndHidden": False,
        "feedEnabled": False,
        "hasSubtypes": False,
        "isInterface": False,
        "isSubtype": False,
        "keyPrefix": obj.key_prefix,
        "label": obj.label,
        "labelPlural": obj.label_plural,
        "layoutable": True,
        "mergeable": False,
        "mruEnabled": False,
        "name": obj.name,
        "queryable": True,
        "replicateable": True,
        "retrieveable": True,
        "searchable": True,
        "triggerable": True,
        "undeletable": True,
        "updateable": True,
        "urls": _urls(obj, api_version),
    }


def describe_global(api_version: str) -> dict[str, Any]:
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [_object_summary(obj, api_version) for obj in SCHEMA.values()],
    }


def object_info(obj: SObject, api_version: str) -> dict[str, Any]:
    return {"objectDescribe": _object_summary(obj, api_version), "recentItems": []}


def _picklist_values(fld: Field) -> list[dict[str, Any]]:
    return [{"active": True, "defaultValue": False, "label": value, "validFor": None, "value": value}
            for value in fld.picklist]


def _field(obj: SObject, fld: Field) -> dict[str, Any]:
    numeric = fld.type in ("currency", "double")
    text_like = fld.type in ("string", "textarea", "picklist", "email", "phone", "id", "reference")
    system = fld.name in ("Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp")
    return {
        "aggregatable": fld.type != "textarea",
        "autoNumber": fld.auto_number,
        "byteLength": (fld.length or 0) * 3 if text_like else 0,
        "calculated": fld.calculated,
        "calculatedFormula": None,
        "caseSensitive": False,
        "createable": fld.createable,
        "custom": False,
        "defaultValue": None,
        "defaultedOnCreate": system or fld.auto_number,
        "dependentPicklist": False,
        "digits": 9 if fld.type == "int" else 0,
        "externalId": False,
        "filterable": fld.filterable,
        "groupable": fld.type not in ("textarea", "currency", "double", "datetime") and fld.filterable,
        "htmlFormatted": False,
        "idLookup": fld.name == "Id" or fld.auto_number,
        "label": fld.label,
        "length": (fld.length or 0) if text_like else 0,
        "name": fld.name,
        "nameField": fld.name == obj.name_field,
        "namePointing": fld.polymorphic,
        "nillable": fld.nillable,
        "permissionable": fld.nillable and fld.createable,
        "picklistValues": _picklist_values(fld) if fld.type == "picklist" else [],
        "polymorphicForeignKey": fld.polymorphic,
        "precision": 18 if numeric else 0,
        "referenceTo": list(fld.reference_to),
        "relationshipName": fld.relationship_name,
        "relationshipOrder": None,
        "restrictedPicklist": fld.type == "picklist" and fld.restricted,
        "scale": 2 if numeric else 0,
        "soapType": _SOAP_TYPES.get(fld.type, "xsd:string"),
        "sortable": fld.type != "textarea",
        "type": fld.type,
        "unique": False,
        "updateable": fld.updateable,
    }


def describe_object(obj: SObject, api_version: str) -> dict[str, Any]:
    result = _object_summary(obj, api_version)
    result.update({
        "childRelationships": [
            {
                "cascadeDelete": rel.child_object in ("RefundLinePayment",),
                "childSObject": rel.child_object,
                "deprecatedAndHidden": False,
                "field": rel.field,
                "junctionIdListNames": [],
                "junctionReferenceTo": [],
                "relationshipName": rel.relationship_name,
                "restrictedDelete": False,
            }
            for rel in obj.child_relationships
        ],
        "fields": [_field(obj, fld) for fld in obj.fields.values()],
        "recordTypeInfos": [],
        "urls": {**_urls(obj, api_version),
                 "uiDetailTemplate": None, "uiEditTemplate": None, "uiNewRecord": None},
    })
    return dict(sorted(result.items()))

package api

import _ "embed" // for OpenAPI

// OpenAPI is openapi.yaml, the OpenAPI 3.0.3 document of the store's v1
// API. The store serves and tests against it; package api/apitest loads it
// and validates traffic with it.
//
//go:embed openapi.yaml
var OpenAPI []byte

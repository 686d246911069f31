package store

import (
	"reflect"
	"strings"

	"alprdesk/api"
)

// Length bounds of request fields. Every string in a JSON body is at most
// MaxFieldBytes, whatever the endpoint; sign-in fields are held tighter,
// since they reach the audit trail before anyone is known.
const (
	MaxFieldBytes    = 4096
	MaxUsernameBytes = 64
	// MaxPasswordBytes is bcrypt's limit: longer passwords cannot be hashed.
	MaxPasswordBytes = 72
	MaxTokenBytes    = 256
	MaxCodeBytes     = 64
)

// checkBounds refuses a decoded body holding a string longer than
// MaxFieldBytes (422 invalid_field naming the field).
func checkBounds(v any) *api.Error {
	return boundsOf(reflect.ValueOf(v), "")
}

func boundsOf(v reflect.Value, name string) *api.Error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return boundsOf(v.Elem(), name)
	case reflect.String:
		s := v.String()
		if len(s) > MaxFieldBytes {
			return invalid(name, "is longer than %d bytes.", MaxFieldBytes)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // raw bytes (json.RawMessage), bounded by the body limit
		}
		for i := 0; i < v.Len(); i++ {
			if e := boundsOf(v.Index(i), name+"[]"); e != nil {
				return e
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if e := boundsOf(it.Value(), name+"."+it.Key().String()); e != nil {
				return e
			}
		}
	case reflect.Struct:
		return structBounds(v, name)
	}
	return nil
}

func structBounds(v reflect.Value, name string) *api.Error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		field := name
		if !f.Anonymous {
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "-" {
				continue
			}
			if tag == "" {
				tag = f.Name
			}
			field = strings.TrimPrefix(name+"."+tag, ".")
		}
		if e := boundsOf(v.Field(i), field); e != nil {
			return e
		}
	}
	return nil
}

// bounded checks one sign-in field: present and at most max bytes.
func bounded(field, value string, max int) *api.Error {
	switch {
	case value == "":
		return invalid(field, "is required.")
	case len(value) > max:
		return invalid(field, "is longer than %d bytes.", max)
	}
	return nil
}

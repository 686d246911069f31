package machine

import (
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/sys/windows/registry"
)

// Key is the policy key under HKEY_LOCAL_MACHINE.
const Key = `SOFTWARE\Policies\alprdesk`

func load() (Settings, error) { return loadKey(registry.LOCAL_MACHINE, Key) }

// loadKey reads the settings from a registry key; a missing key gives zero
// settings. Text values are REG_SZ or REG_EXPAND_SZ (expanded), the idle
// lock a REG_DWORD or a REG_SZ of minutes.
func loadKey(root registry.Key, path string) (Settings, error) {
	k, err := registry.OpenKey(root, path, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return Settings{}, nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("registry %s: %w", path, err)
	}
	defer k.Close()
	s := Settings{Source: `HKLM\` + path}
	if root != registry.LOCAL_MACHINE {
		s.Source = path
	}
	var errs []error
	for _, name := range []string{NameStoreURL, NameCAFile, NameIdleLock} {
		v, err := value(k, name)
		if errors.Is(err, registry.ErrNotExist) {
			continue
		}
		if err == nil {
			err = s.set(name, v)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.Source, err))
		}
	}
	return s, errors.Join(errs...)
}

// value reads a string or DWORD value as text.
func value(k registry.Key, name string) (string, error) {
	_, typ, err := k.GetValue(name, nil)
	if err != nil {
		return "", err
	}
	switch typ {
	case registry.DWORD:
		n, _, err := k.GetIntegerValue(name)
		return strconv.FormatUint(n, 10), err
	case registry.SZ, registry.EXPAND_SZ:
		v, _, err := k.GetStringValue(name)
		if err == nil && typ == registry.EXPAND_SZ {
			v, err = registry.ExpandString(v)
		}
		return v, err
	}
	return "", fmt.Errorf("%s has registry type %d, want a string or a DWORD", name, typ)
}

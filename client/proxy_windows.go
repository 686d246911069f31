package client

import (
	"net/http"
	"net/url"
	"os"

	"golang.org/x/sys/windows/registry"
)

// internetSettings is the user's Internet Options key, where Windows (and
// Group Policy) keeps the manual proxy.
const internetSettings = `Software\Microsoft\Windows\CurrentVersion\Internet Settings`

// systemProxy is the environment's proxy when one is set (HTTPS_PROXY,
// HTTP_PROXY), else the manual proxy of Internet Options when enabled. A
// proxy auto-configuration script (AutoConfigURL) is not evaluated: agencies
// that use one set HTTPS_PROXY or a manual proxy for the workstation.
func systemProxy() func(*http.Request) (*url.URL, error) {
	for _, v := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		if os.Getenv(v) != "" {
			return http.ProxyFromEnvironment
		}
	}
	k, err := registry.OpenKey(registry.CURRENT_USER, internetSettings, registry.QUERY_VALUE)
	if err != nil {
		return http.ProxyFromEnvironment
	}
	defer k.Close()
	if on, _, err := k.GetIntegerValue("ProxyEnable"); err != nil || on == 0 {
		return http.ProxyFromEnvironment
	}
	server, _, _ := k.GetStringValue("ProxyServer")
	override, _, _ := k.GetStringValue("ProxyOverride")
	if p := parseManualProxy(server, override); p != nil {
		return p.proxyFor
	}
	return http.ProxyFromEnvironment
}

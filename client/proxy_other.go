//go:build !windows

package client

import (
	"net/http"
	"net/url"
)

// systemProxy is the proxy of the environment (HTTPS_PROXY, HTTP_PROXY,
// NO_PROXY), which is how Linux and BSD desktops and their /etc/environment
// set it; macOS's System Settings proxy is not read (untested there).
func systemProxy() func(*http.Request) (*url.URL, error) {
	return http.ProxyFromEnvironment
}

package postgres

import (
	"context"
	"fmt"
)

// hugePagesFloor is the size of shared buffers from which Advice asks for
// huge pages: below it the page tables they save are small.
const hugePagesFloor = 1 << 30

// Advice checks the server's settings against docs/DEPLOY.md
// (store.Advisor): it asks for huge_pages = on when shared buffers are 1 GiB
// or more and huge_pages is try or off. PostgreSQL 15 cannot report whether
// try obtained huge pages (pg_settings says try either way; PostgreSQL 17's
// huge_pages_status can), so only on, which refuses to start without them,
// is known to have them.
func (s *Storage) Advice(ctx context.Context) ([]string, error) {
	var setting string
	var shared int64
	err := s.pool.QueryRow(ctx, `SELECT current_setting('huge_pages'), pg_size_bytes(current_setting('shared_buffers'))`).
		Scan(&setting, &shared)
	if err != nil {
		return nil, fmt.Errorf("store: postgres %s: %v", s.host, cause(err))
	}
	if a := hugePagesAdvice(setting, shared); a != "" {
		return []string{a}, nil
	}
	return nil, nil
}

// hugePagesAdvice is Advice's sentence for a server's huge_pages setting
// and shared buffers in bytes ("" when there is nothing to change).
func hugePagesAdvice(setting string, shared int64) string {
	if setting == "on" || shared < hugePagesFloor {
		return ""
	}
	return fmt.Sprintf("PostgreSQL runs with huge_pages = %s and %d MiB of shared buffers: it may be using ordinary 4 KiB pages "+
		"(PostgreSQL 15 cannot say whether try got huge ones); reserve vm.nr_hugepages and set huge_pages = on "+
		"(docs/DEPLOY.md: at 10M reads the exact search's p95 was 1.1 to 1.9 ms with huge pages, 3.6 to 4.5 ms without)",
		setting, shared>>20)
}

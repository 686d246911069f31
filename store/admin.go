package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"alprdesk/api"
)

// Admin performs the administrative commands (alprstore user ..., camera
// add) on a storage; each is audited with the given actor, such as
// "cli:alice".
type Admin struct {
	St    Storage
	Actor string
	// Cost is the bcrypt cost of new passwords (default bcrypt.DefaultCost).
	Cost int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Admin returns the administrative commands on this server's storage.
func (s *Server) Admin(actor string) *Admin {
	return &Admin{St: s.st, Actor: actor, Cost: s.cfg.PasswordCost, Now: s.cfg.Now}
}

// NewUser describes an account to create.
type NewUser struct {
	Username, Role, Serial, Name, Team string
	// Trained is the training date, YYYY-MM-DD, or "".
	Trained string
	// DesignatedBy names the memo or order designating an approver.
	DesignatedBy string
	Password     string
	// Demo marks an account of the demo world (password accepted only by
	// a demo store).
	Demo bool
}

// UserChange lists the fields `user set` changes (nil: unchanged).
type UserChange struct {
	Trained, Role, Team *string
}

var usernameRe = regexp.MustCompile(`^[a-z][a-z0-9_.-]{1,39}$`)

func (a *Admin) now() time.Time {
	if a.Now == nil {
		return time.Now().UTC()
	}
	return a.Now().UTC()
}

// validDate checks a YYYY-MM-DD training date ("" allowed).
func validDate(s string) error {
	if s == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Errorf("the training date %q is not a date such as 2026-01-15", s)
	}
	return nil
}

func validRole(r string) error {
	if !slices.Contains(api.Roles, r) {
		return fmt.Errorf("the role %q is not one of %s", r, strings.Join(api.Roles, ", "))
	}
	return nil
}

// AddUser creates an account.
func (a *Admin) AddUser(ctx context.Context, nu NewUser) error {
	switch {
	case !usernameRe.MatchString(nu.Username):
		return fmt.Errorf("the username %q must be 2 to 40 lower-case letters, digits, _ . or -, starting with a letter", nu.Username)
	case validRole(nu.Role) != nil:
		return validRole(nu.Role)
	case strings.TrimSpace(nu.Serial) == "":
		return errors.New("a serial number is required")
	case strings.TrimSpace(nu.Name) == "":
		return errors.New("a full name is required")
	case validDate(nu.Trained) != nil:
		return validDate(nu.Trained)
	case len(nu.Password) < 4 && !nu.Demo:
		return errors.New("the password must have at least 4 characters")
	case nu.Role == api.RoleApprover && strings.TrimSpace(nu.DesignatedBy) == "" && !nu.Demo:
		return errors.New("an approver needs --designated-by naming the memo or order that designates them")
	}
	cost := a.Cost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(nu.Password), cost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	now := a.now()
	u := &UserRecord{User: api.User{Username: nu.Username, DisplayName: nu.Name, Role: nu.Role,
		Serial: nu.Serial, Team: nu.Team, TrainedOn: nu.Trained, Demo: nu.Demo},
		DesignatedBy: nu.DesignatedBy, PasswordHash: hash, CreatedAt: now}
	return a.St.Update(ctx, func(tx Tx) error {
		if err := tx.InsertUser(u); errors.Is(err, ErrExists) {
			return fmt.Errorf("the user %s already exists", nu.Username)
		} else if err != nil {
			return err
		}
		return a.audit(tx, ActionUserAdd, map[string]any{"username": nu.Username, "role": nu.Role,
			"serial": nu.Serial, "team": nu.Team, "trained_on": nu.Trained, "designated_by": nu.DesignatedBy})
	})
}

func (a *Admin) audit(tx Tx, action string, q map[string]any) error {
	b, _ := json.Marshal(q)
	return AppendAudit(tx, &api.AuditEntry{At: a.now(), Actor: a.Actor, Role: "admin_cli", Action: action,
		Query: string(b), ResultCount: 1})
}

// modify loads a user, applies fn and audits the change.
func (a *Admin) modify(ctx context.Context, username, action string, fn func(tx Tx, u *UserRecord) error) error {
	return a.St.Update(ctx, func(tx Tx) error {
		u, err := tx.GetUser(username)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("there is no user %s", username)
		} else if err != nil {
			return err
		}
		if err := fn(tx, u); err != nil {
			return err
		}
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		return a.audit(tx, action, map[string]any{"username": username, "role": u.Role, "team": u.Team,
			"trained_on": u.TrainedOn, "disabled": u.Disabled})
	})
}

// SetUser changes training date, role or team.
func (a *Admin) SetUser(ctx context.Context, username string, c UserChange) error {
	if c.Trained == nil && c.Role == nil && c.Team == nil {
		return errors.New("nothing to change: give --trained, --role or --team")
	}
	return a.modify(ctx, username, ActionUserSet, func(_ Tx, u *UserRecord) error {
		if c.Trained != nil {
			if err := validDate(*c.Trained); err != nil {
				return err
			}
			u.TrainedOn = *c.Trained
		}
		if c.Role != nil {
			if err := validRole(*c.Role); err != nil {
				return err
			}
			u.Role = *c.Role
		}
		if c.Team != nil {
			u.Team = *c.Team
		}
		return nil
	})
}

// SetDisabled disables or enables an account. Disabling revokes every
// token the user holds, so that none of them works after a re-enable.
func (a *Admin) SetDisabled(ctx context.Context, username string, disabled bool) error {
	action := ActionUserEnable
	if disabled {
		action = ActionUserDisable
	}
	return a.modify(ctx, username, action, func(tx Tx, u *UserRecord) error {
		u.Disabled = disabled
		if disabled {
			return tx.RevokeUserTokens(username, "")
		}
		return nil
	})
}

// Unlock clears a lockout (the failed sign-ins counted on the username).
func (a *Admin) Unlock(ctx context.Context, username string) error {
	return a.modify(ctx, username, ActionUserUnlock, func(tx Tx, u *UserRecord) error {
		u.FailedLogins, u.LockedUntil = 0, time.Time{}
		return tx.ClearLoginFailures(username)
	})
}

// ResetMFA removes a user's second factor (a lost phone); the user signs
// in with the password alone and may enrol again.
func (a *Admin) ResetMFA(ctx context.Context, username string) error {
	return a.modify(ctx, username, ActionMFAReset, func(tx Tx, u *UserRecord) error {
		if _, err := tx.GetMFA(username); errors.Is(err, ErrNotFound) {
			return fmt.Errorf("the user %s has no second factor", username)
		} else if err != nil {
			return err
		}
		return tx.DeleteMFA(username)
	})
}

// Users lists every account, with the lockout counted on each username.
func (a *Admin) Users(ctx context.Context) ([]UserRecord, error) {
	var out []UserRecord
	err := a.St.View(ctx, func(tx ReadTx) error {
		var err error
		if out, err = tx.ListUsers(); err != nil {
			return err
		}
		for i := range out {
			f, err := tx.LoginFailures(out[i].Username)
			if err != nil {
				return err
			}
			out[i].FailedLogins, out[i].LockedUntil = f.Failures, f.LockedUntil
		}
		return nil
	})
	return out, err
}

// AddCamera registers a camera and returns its ingest token (shown once;
// only its hash is stored).
func (a *Admin) AddCamera(ctx context.Context, c api.Camera) (string, error) {
	switch {
	case strings.TrimSpace(c.ID) == "":
		return "", errors.New("a camera id is required")
	case strings.TrimSpace(c.Name) == "":
		return "", errors.New("a camera name is required")
	case c.Lat < -90 || c.Lat > 90 || c.Lon < -180 || c.Lon > 180:
		return "", fmt.Errorf("the position %g,%g is not a latitude and longitude", c.Lat, c.Lon)
	}
	if c.Owner == "" {
		c.Owner = "agency"
	}
	tok := newToken("cam_")
	err := a.St.Update(ctx, func(tx Tx) error {
		if err := tx.InsertCamera(c, hashToken(tok)); errors.Is(err, ErrExists) {
			return fmt.Errorf("the camera %s already exists", c.ID)
		} else if err != nil {
			return err
		}
		return a.audit(tx, ActionCameraAdd, map[string]any{"camera_id": c.ID, "name": c.Name, "lat": c.Lat, "lon": c.Lon, "owner": c.Owner})
	})
	if err != nil {
		return "", err
	}
	return tok, nil
}

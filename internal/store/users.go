package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// User is a person who signs in.
type User struct {
	Name, DisplayName, Role, Agent, Language string
	PasswordHash                             string
	CreatedAt                                time.Time
	Disabled                                 bool
	LastSignInAt                             time.Time // zero when never
}

// ErrExists is returned when creating something whose key is taken.
var ErrExists = errors.New("already exists")

// InsertUser adds a user.
func (t *Tx) InsertUser(ctx context.Context, u User) error {
	_, err := t.exec(ctx, `INSERT INTO users (name, display_name, role, agent, language, password_hash, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, u.Name, u.DisplayName, u.Role, u.Agent, u.Language, u.PasswordHash, Stamp(u.CreatedAt))
	if t.d.uniqueViolation(err) {
		return fmt.Errorf("user %q: %w", u.Name, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("store: insert user: %w", err)
	}
	return nil
}

// SetPassword replaces a user's password hash and ends their sessions,
// all but the one whose hash is keep (the session making the change; ""
// ends every one).
func (t *Tx) SetPassword(ctx context.Context, name, hash, keep string) error {
	res, err := t.exec(ctx, `UPDATE users SET password_hash = $2 WHERE name = $1`, name, hash)
	if err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	if _, err = t.exec(ctx, `DELETE FROM sessions WHERE user_name = $1 AND token_hash <> $2`, name, keep); err != nil {
		return fmt.Errorf("store: end sessions: %w", err)
	}
	return nil
}

// SetUserDisabled disables a user (at is when) or enables one (at is
// zero). Disabling ends every session of the user; their tokens are
// refused while the user is disabled (Authenticate checks), and work
// again when the user is enabled unless revoked meanwhile.
func (t *Tx) SetUserDisabled(ctx context.Context, name string, at time.Time) error {
	stamp := ""
	if !at.IsZero() {
		stamp = Stamp(at)
	}
	res, err := t.exec(ctx, `UPDATE users SET disabled_at = $2 WHERE name = $1`, name, stamp)
	if err != nil {
		return fmt.Errorf("store: disable user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	if stamp != "" {
		if _, err := t.exec(ctx, `DELETE FROM sessions WHERE user_name = $1`, name); err != nil {
			return fmt.Errorf("store: end sessions: %w", err)
		}
	}
	return nil
}

// SetLastSignIn records a successful sign-in.
func (t *Tx) SetLastSignIn(ctx context.Context, name string, at time.Time) error {
	if _, err := t.exec(ctx, `UPDATE users SET last_sign_in_at = $2 WHERE name = $1`, name, Stamp(at)); err != nil {
		return fmt.Errorf("store: last sign-in: %w", err)
	}
	return nil
}

// UserByName reads a user; ErrNotFound if there is none.
func (db *DB) UserByName(ctx context.Context, name string) (User, error) {
	var u User
	var created, disabled, last string
	err := db.readRow(ctx, `SELECT name, display_name, role, agent, language, password_hash, created_at, disabled_at, last_sign_in_at
		FROM users WHERE name = $1`, name).Scan(&u.Name, &u.DisplayName, &u.Role, &u.Agent, &u.Language, &u.PasswordHash, &created, &disabled, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("store: user: %w", err)
	}
	u.CreatedAt, _ = ParseStamp(created)
	u.LastSignInAt, _ = ParseStamp(last)
	u.Disabled = disabled != ""
	return u, nil
}

// Users lists every user by name (without their password hashes).
func (db *DB) Users(ctx context.Context) ([]User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name, display_name, role, agent, language, created_at, disabled_at, last_sign_in_at
		FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		var created, disabled, last string
		if err := rows.Scan(&u.Name, &u.DisplayName, &u.Role, &u.Agent, &u.Language, &created, &disabled, &last); err != nil {
			return nil, fmt.Errorf("store: users: %w", err)
		}
		u.CreatedAt, _ = ParseStamp(created)
		u.LastSignInAt, _ = ParseStamp(last)
		u.Disabled = disabled != ""
		out = append(out, u)
	}
	return out, rows.Err()
}

// Session is a signed-in browser.
type Session struct {
	UserName   string
	CSRFToken  string
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

// ErrCredentialsChanged is returned when a session would open for a
// user whose password changed, or who was disabled, since it was checked.
var ErrCredentialsChanged = errors.New("the user's password or state changed during sign-in")

// InsertSession stores a new session under the hash of its secret, if
// the user is still enabled and still has passwordHash, the hash the
// password was checked against: a sign-in that raced a password change or
// a disable opens nothing. The user's row is locked first, so a change
// committing meanwhile is either seen here or ends this session itself.
func (t *Tx) InsertSession(ctx context.Context, hash string, s Session, now time.Time, passwordHash string) error {
	var current, disabled string
	err := t.queryRow(ctx, `SELECT password_hash, disabled_at FROM users WHERE name = $1`+t.d.forUpdate(), s.UserName).Scan(&current, &disabled)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (current != passwordHash || disabled != "")) {
		return ErrCredentialsChanged
	}
	if err != nil {
		return fmt.Errorf("store: insert session: %w", err)
	}
	_, err = t.exec(ctx, `INSERT INTO sessions (token_hash, user_name, csrf_token, created_at, expires_at, last_seen_at)
		VALUES ($1,$2,$3,$4,$5,$4)`, hash, s.UserName, s.CSRFToken, Stamp(now), Stamp(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: insert session: %w", err)
	}
	return nil
}

// DeleteSession ends a session (sign-out).
func (t *Tx) DeleteSession(ctx context.Context, hash string) error {
	_, err := t.exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	return err
}

// PurgeSessions removes expired sessions.
func (t *Tx) PurgeSessions(ctx context.Context, now time.Time) error {
	_, err := t.exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, Stamp(now))
	return err
}

// ReserveLoginAttempt counts one attempt for key before its password is
// checked, starting a new window when the current one began before since,
// and returns the attempts counted in the window including this one. It is
// one statement, so parallel attempts each see a distinct count and no
// more than the limit can pass however many arrive at once.
func (t *Tx) ReserveLoginAttempt(ctx context.Context, key string, since, now time.Time) (int, error) {
	var n int
	err := t.queryRow(ctx, `INSERT INTO login_failures (throttle_key, window_start, failures) VALUES ($1, $2, 1)
		ON CONFLICT (throttle_key) DO UPDATE SET
		  failures = CASE WHEN login_failures.window_start > $3 THEN login_failures.failures + 1 ELSE 1 END,
		  window_start = CASE WHEN login_failures.window_start > $3 THEN login_failures.window_start ELSE $2 END
		RETURNING failures`, key, Stamp(now), Stamp(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: reserve sign-in attempt: %w", err)
	}
	return n, nil
}

// ReleaseLoginAttempt gives back one attempt reserved for key (a sign-in
// that succeeded does not count against its client address).
func (t *Tx) ReleaseLoginAttempt(ctx context.Context, key string) error {
	_, err := t.exec(ctx, `UPDATE login_failures SET failures = failures - 1 WHERE throttle_key = $1 AND failures > 0`, key)
	if err != nil {
		return fmt.Errorf("store: release sign-in attempt: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets the failures of key (after a success).
func (t *Tx) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := t.exec(ctx, `DELETE FROM login_failures WHERE throttle_key = $1`, key)
	return err
}

// SessionUser finds a live session and its enabled user in one query (it
// runs on every page): not past its expiry, and seen after idleSince.
func (db *DB) SessionUser(ctx context.Context, hash string, now, idleSince time.Time) (Session, User, error) {
	var s Session
	var u User
	var exp, seen string
	err := db.readRow(ctx, `SELECT s.csrf_token, s.expires_at, s.last_seen_at, u.name, u.display_name, u.role, u.agent, u.language
		FROM sessions s JOIN users u ON u.name = s.user_name
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.disabled_at = ''`, hash, Stamp(now), Stamp(idleSince)).
		Scan(&s.CSRFToken, &exp, &seen, &u.Name, &u.DisplayName, &u.Role, &u.Agent, &u.Language)
	if errors.Is(err, sql.ErrNoRows) {
		return s, u, ErrNotFound
	}
	if err != nil {
		return s, u, fmt.Errorf("store: session: %w", err)
	}
	s.UserName = u.Name
	if s.LastSeenAt, err = ParseStamp(seen); err != nil {
		return s, u, fmt.Errorf("store: session: %w", err)
	}
	s.ExpiresAt, err = ParseStamp(exp)
	return s, u, err
}

// TouchSession records that a session was used at now, if it was last
// seen before stale (so a busy session writes at most once a while).
func (t *Tx) TouchSession(ctx context.Context, hash string, now, stale time.Time) error {
	_, err := t.exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $3`, hash, Stamp(now), Stamp(stale))
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// PurgeIdleSessions removes sessions not seen since idleSince.
func (t *Tx) PurgeIdleSessions(ctx context.Context, idleSince time.Time) error {
	_, err := t.exec(ctx, `DELETE FROM sessions WHERE last_seen_at <= $1`, Stamp(idleSince))
	return err
}

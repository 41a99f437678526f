// Package store keeps the alerts a reference manager accepted, durably and once each: the bytes
// received, the fields operator queries need, and the evidence of their origin, behind a small
// Store interface with an embedded SQLite implementation that commits concurrent alerts in
// groups.
package store

package store

// DummyHash is the hash an unknown username's password is checked against
// (a hook for the external sign-in tests).
func (s *Server) DummyHash() []byte { return s.dummyHash }

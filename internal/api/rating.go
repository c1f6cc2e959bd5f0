package api

import "net/http"

func (s *Server) customerRating(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.CustomerRating(r.Context(), actorOf(r), langOf(r), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, v, nil, err)
}

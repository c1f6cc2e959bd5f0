package api

import (
	"net/http"

	"cobro/internal/app"
)

// Devices and their receipt numbers: a phone registers once, reserves
// blocks of numbers, and prints final receipt numbers offline.

func init() {
	routes = append(routes,
		route{"GET", "/api/v1/devices", false, (*Server).devicesList},
		route{"POST", "/api/v1/devices", false, (*Server).deviceCreate},
		route{"POST", "/api/v1/devices/{id}/receipt-blocks", false, (*Server).deviceReserve},
		route{"POST", "/api/v1/devices/{id}/retire", false, (*Server).deviceRetire},
		route{"POST", "/api/v1/devices/{id}/cancel-receipt", false, (*Server).deviceCancelReceipt},
	)
}

func (s *Server) devicesList(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.Devices(r.Context(), actorOf(r))
	s.answer(w, r, http.StatusOK, map[string]any{"items": v}, nil, err)
}

func (s *Server) deviceCreate(w http.ResponseWriter, r *http.Request) {
	var b app.DeviceRequest
	if err := s.decode(w, r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.app.RegisterDevice(r.Context(), actorOf(r), b)
	if err == nil {
		w.Header().Set("Location", "/api/v1/devices/"+v.ID)
	}
	s.answer(w, r, http.StatusCreated, v, nil, err)
}

type blockBody struct {
	Size int64 `json:"size"`
}

func (s *Server) deviceReserve(w http.ResponseWriter, r *http.Request) {
	var b blockBody
	if err := s.decode(w, r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.app.ReserveReceipts(r.Context(), actorOf(r), r.PathValue("id"), b.Size)
	s.answer(w, r, http.StatusCreated, v, nil, err)
}

func (s *Server) deviceRetire(w http.ResponseWriter, r *http.Request) {
	var b reasonBody
	if err := s.decode(w, r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.app.RetireDevice(r.Context(), actorOf(r), r.PathValue("id"), b.Reason)
	s.answer(w, r, http.StatusOK, v, nil, err)
}

type cancelReceiptBody struct {
	ReceiptNumber string `json:"receipt_number"`
	Reason        string `json:"reason"`
}

func (s *Server) deviceCancelReceipt(w http.ResponseWriter, r *http.Request) {
	var b cancelReceiptBody
	if err := s.decode(w, r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	err := s.app.CancelReceiptNumber(r.Context(), actorOf(r), r.PathValue("id"), b.ReceiptNumber, b.Reason)
	s.answer(w, r, http.StatusOK, map[string]any{"receipt_number": b.ReceiptNumber, "cancelled": true}, nil, err)
}

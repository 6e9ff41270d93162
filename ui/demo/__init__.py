"""The demo's Qt side: stand-ins for the card and the agencies named as such, with invented data
for screenshots (`ui.demo.stand_ins`), and the card strip a visitor drives (`ui.demo.control`).
The demo's real surroundings (pcscd, vpcd, the simulator) are `kiosk.wiring.demo`."""

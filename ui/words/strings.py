"""Every word on the kiosk's screens and slips, in Thai and English: the one string table.

Widgets never hold literal text; they ask a `Words` for a key. Keys are grouped by screen.
Values may hold `{named}` fields filled by `Words.__call__`. Plain words for people: no system
words ("timeout", "PC/SC", error codes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

# key: (Thai, English)
STRINGS: Final[Mapping[str, tuple[str, str]]] = {
    # --- the bottom bar and the banner -------------------------------------------------------
    "switch_language": ("English", "ภาษาไทย"),  # the language a tap switches *to*
    "large_text": ("ตัวอักษรใหญ่", "Larger text"),
    "high_contrast": ("สีตัดกันชัด", "High contrast"),
    "demo_banner": (
        "โหมดสาธิต — ข้อมูลบนจอนี้ไม่ใช่ข้อมูลจริง",
        "DEMO — the data on this screen is not real",
    ),
    # --- the demo's card control (`kiosk run --demo`) ------------------------------------------
    "demo_control_title": ("บัตรตัวอย่าง", "Demo card"),
    "demo_insert": ("เสียบบัตร (F2)", "Insert the card (F2)"),
    "demo_remove": ("ดึงบัตรออก (F3)", "Remove the card (F3)"),
    "demo_card_in": ("บัตรอยู่ในเครื่องอ่าน", "The card is in the reader"),
    "demo_card_out": ("ไม่มีบัตรในเครื่องอ่าน", "No card in the reader"),
    "demo_pick": ("เลือกบัตร:", "Pick a card:"),
    "demo_busy": ("กรุณารอสักครู่…", "One moment…"),
    # --- attract -----------------------------------------------------------------------------
    "attract_title": ("เช็คได้ทุกสิทธิ์ รู้ทุกสวัสดิการรัฐ", "Every state benefit, in one check"),
    "attract_purpose": (
        "เสียบบัตรประชาชน แล้วดูสิทธิ์และสวัสดิการรัฐทั้งหมดของท่านได้ในไม่กี่วินาที",
        "Insert your Thai ID card to see every state benefit you hold, in a few seconds.",
    ),
    "attract_insert": ("กรุณาเสียบบัตรประชาชน", "Please insert your ID card"),
    "attract_hint": (
        "หันด้านที่มีชิปเข้าหาเครื่อง แล้วดันบัตรเข้าไปในช่องจนสุด",
        "Chip end first, push the card all the way into the slot.",
    ),
    "attract_other_language": ("Please insert your ID card", "กรุณาเสียบบัตรประชาชน"),
    # --- out of service ----------------------------------------------------------------------
    "oos_title": ("ขออภัย เครื่องนี้งดให้บริการชั่วคราว", "Sorry, this kiosk is out of service"),
    "oos_body": (
        "เจ้าหน้าที่กำลังแก้ไข กรุณาใช้เครื่องอื่น หรือติดต่อเจ้าหน้าที่",
        "Staff are fixing it. Please use another kiosk or ask a member of staff.",
    ),
    "oos_starting_title": ("กำลังเตรียมเครื่อง", "Getting ready"),
    "oos_starting_body": ("กรุณารอสักครู่", "One moment, please."),
    "oos_cause_no_reader": ("ไม่พบเครื่องอ่านบัตร", "No card reader found"),
    "oos_cause_service_down": ("ระบบอ่านบัตรไม่ทำงาน", "The card reader service is not running"),
    "oos_cause_config_broken": ("การตั้งค่าเครื่องต้องแก้ไข", "The kiosk's settings need attention"),
    "oos_cause_starting": ("กำลังเริ่มระบบ", "Starting up"),
    # --- reading -----------------------------------------------------------------------------
    "reading_title": ("กำลังอ่านบัตร", "Reading your card"),
    "reading_keep": ("กรุณาอย่าดึงบัตรออก", "Please do not remove your card"),
    "reading_wait": ("ใช้เวลาไม่กี่วินาที", "This takes a few seconds."),
    # --- consent -----------------------------------------------------------------------------
    "consent_hello": ("สวัสดีค่ะ {name}", "Hello, {name}"),
    "consent_title": (
        "ขอความยินยอมก่อนตรวจสอบสิทธิ์",
        "May we check your benefits?",
    ),
    "consent_purpose": (
        "เครื่องจะใช้เลขประจำตัวประชาชนของท่าน สอบถามหน่วยงานต่อไปนี้ เพื่อแสดงสิทธิ์และสวัสดิการที่ท่านมี",
        "The kiosk will use your ID number to ask these agencies which rights and benefits "
        "you hold:",
    ),
    "consent_sensitive": (
        "ข้อมูลสุขภาพและความพิการเป็นข้อมูลอ่อนไหว เครื่องจะสอบถามเมื่อท่านกดยินยอมเท่านั้น",
        "Health and disability information is sensitive: the kiosk asks only if you agree.",
    ),
    "consent_retention": (
        "เครื่องเก็บสำเนาคำตอบแบบเข้ารหัสไว้ {days} วัน เพื่อใช้ตอบเมื่อเครือข่ายขัดข้อง",
        "An encrypted offline copy of the answers is kept for {days} days, for when the "
        "network is down.",
    ),
    "consent_no_copy": ("ไม่ต้องเก็บสำเนาข้อมูลของฉัน", "Don't keep an offline copy"),
    "consent_cleared": (
        "เมื่อท่านดึงบัตรออก ข้อมูลทั้งหมดจะถูกลบจากหน้าจอทันที",
        "Everything is cleared from the screen as soon as you take your card.",
    ),
    "consent_agree": ("ยินยอม", "I agree"),
    "consent_cancel": ("ไม่ยินยอม", "No, cancel"),
    # --- results -----------------------------------------------------------------------------
    "results_title": ("สิทธิ์และสวัสดิการของท่าน", "Your rights and benefits"),
    "results_age": ("อายุ {age} ปี", "Age {age}"),
    "results_cid": ("เลขประจำตัว {cid}", "ID {cid}"),
    "results_asking": ("กำลังสอบถามหน่วยงาน…", "Asking the agencies…"),
    "results_done": ("แตะที่หน่วยงานเพื่อดูรายละเอียด", "Tap an agency for details"),
    "scroll_cue": ("เลื่อนลงเพื่อดูเพิ่มเติม", "Scroll down for more"),
    "finish": ("เสร็จสิ้น", "Finish"),
    "print": ("พิมพ์ใบสรุป", "Print a summary"),
    "print_memo": ("พิมพ์บันทึก", "Print a memo"),
    "printing": ("กำลังพิมพ์…", "Printing…"),
    "printed": ("พิมพ์เสร็จแล้ว กรุณารับใบสรุป", "Printed. Please take your summary."),
    "print_failed": ("พิมพ์ไม่สำเร็จ กรุณาติดต่อเจ้าหน้าที่", "Printing failed. Please ask staff."),
    "more_items": ("และอีก {n} รายการ", "and {n} more"),
    # tile states: icon + word + colour
    "state_asking": ("กำลังตรวจสอบ…", "Asking…"),
    "state_live": ("ใช้สิทธิ์ได้", "Active"),
    "state_live_inactive": ("ไม่มีสิทธิ์ที่ใช้ได้ขณะนี้", "Nothing active now"),
    "state_cached": ("ข้อมูลสำเนา", "Offline copy"),
    "state_card": ("ข้อมูลจากบัตร", "From your card"),
    "state_as_of": ("ข้อมูล ณ วันที่ {date}", "As of {date}"),
    "state_not_registered": ("ไม่พบการลงทะเบียน", "Not registered"),
    "state_unavailable": ("ไม่พร้อมให้บริการ", "Unavailable"),
    "tile_unavailable_hint": ("ลองใหม่ภายหลัง", "Please try again later"),
    "tile_unavailable_call": ("ลองใหม่ภายหลัง หรือโทร {hotline}", "Try later or call {hotline}"),
    # entitlements
    "entitlement_active": ("ใช้ได้", "Active"),
    "entitlement_inactive": ("สิ้นสุดแล้ว", "Not active"),
    "entitlement_pending": ("รอดำเนินการ", "Pending"),
    "amount": ("{amount} บาท", "{amount} THB"),
    "amount_per": ("{amount} บาท/{period}", "{amount} THB/{period}"),
    "amount_once": ("{amount} บาท (ครั้งเดียว)", "{amount} THB (one-off)"),
    "period_monthly": ("เดือน", "month"),
    "period_quarterly": ("3 เดือน", "quarter"),
    "period_yearly": ("ปี", "year"),
    "hospital_headline": ("{title} — {hospital}", "{title} — {hospital}"),
    # --- detail ------------------------------------------------------------------------------
    "back": ("กลับ", "Back"),
    "detail_from": ("เริ่ม {date}", "From {date}"),
    "detail_until": ("ถึง {date}", "Until {date}"),
    "detail_no_end": ("ไม่มีวันสิ้นสุด", "No end date"),
    "detail_hotline": ("สายด่วน {hotline}", "Hotline {hotline}"),
    "detail_none": ("หน่วยงานนี้ไม่มีข้อมูลสิทธิ์ของท่าน", "This agency has no right on record for you"),
    "detail_unknown": (
        "ขณะนี้ยังไม่ทราบผลจากหน่วยงานนี้ กรุณาลองใหม่ภายหลัง หรือโทรสอบถาม",
        "No answer from this agency for now. Please try again later, or call them.",
    ),
    "detail_why_copy": ("ตอบจากสำเนาเพราะ: {why}", "Shown from a copy because: {why}"),
    "detail_why_unavailable": ("สาเหตุ: {why}", "Why: {why}"),
    "qr_web": ("สแกนเพื่อเปิดเว็บไซต์", "Scan to open the website"),
    "qr_tel": ("สแกนเพื่อโทร {hotline}", "Scan to call {hotline}"),
    "detail_key_hospital_main": ("โรงพยาบาลหลัก", "Main hospital"),
    "detail_key_hospital_sub": ("หน่วยบริการปฐมภูมิ", "Primary care unit"),
    "detail_key_hospital": ("โรงพยาบาล", "Hospital"),
    "detail_key_sub_scheme": ("ประเภทสิทธิย่อย", "Sub-scheme"),
    "detail_key_employer": ("นายจ้าง", "Employer"),
    "detail_key_contribution_months": ("จ่ายเงินสมทบแล้ว (เดือน)", "Months contributed"),
    "detail_key_last_contribution": ("จ่ายเงินสมทบล่าสุด", "Last contribution"),
    "detail_key_round": ("รอบการลงทะเบียน", "Registration round"),
    "detail_key_local_authority": ("หน่วยงานที่จ่ายเงิน", "Paid by"),
    "detail_key_last_payment_month": ("เดือนที่จ่ายล่าสุด", "Last month paid"),
    "detail_key_last_payment_thb": ("ยอดที่จ่ายล่าสุด (บาท)", "Last payment (THB)"),
    "detail_key_last_paid_on": ("วันที่จ่ายล่าสุด", "Last paid on"),
    "detail_key_card_expiry": ("บัตรคนพิการหมดอายุ", "Disability card expires"),
    "detail_key_disability_type": ("ประเภทความพิการ", "Type of disability"),
    "detail_key_role": ("สถานะ", "Status"),
    "detail_key_department": ("สังกัด", "Department"),
    "detail_key_plots": ("แปลงที่ดิน", "Plots"),
    "detail_key_total_rai": ("พื้นที่รวม (ไร่)", "Total area (rai)"),
    "detail_key_last_update": ("ปรับปรุงข้อมูลล่าสุด", "Last updated"),
    "role_civil_servant": ("ข้าราชการ", "Civil servant"),
    "role_pensioner": ("ผู้รับบำนาญ", "Pensioner"),
    "role_dependent": ("บุคคลในครอบครัว", "Family member"),
    # why a live answer failed (FailureReason)
    "reason_timeout": ("หน่วยงานตอบช้าเกินไป", "the agency took too long to answer"),
    "reason_unreachable": ("ติดต่อหน่วยงานไม่ได้", "the agency could not be reached"),
    "reason_server_error": ("ระบบของหน่วยงานขัดข้อง", "the agency's system has a problem"),
    "reason_bad_answer": ("อ่านคำตอบของหน่วยงานไม่ได้", "the agency's answer could not be read"),
    "reason_auth": ("เครื่องนี้ยังไม่ได้รับอนุญาตจากหน่วยงาน", "this kiosk is not authorised yet"),
    "reason_circuit_open": ("หน่วยงานขัดข้องต่อเนื่อง", "the agency has been failing"),
    "reason_offline": ("เครือข่ายขัดข้อง", "the network is down"),
    "reason_internal": ("เครื่องขัดข้อง", "a fault in the kiosk"),
    # --- inactivity warning ------------------------------------------------------------------
    "warning_title": ("ท่านยังใช้งานอยู่หรือไม่", "Are you still there?"),
    "warning_body": (
        "เพื่อความปลอดภัย ข้อมูลของท่านจะถูกลบจากหน้าจอใน",
        "For your privacy, your information will be cleared in",
    ),
    "warning_seconds": ("วินาที", "seconds"),
    "warning_button": ("ยังใช้งานอยู่", "I'm still here"),
    "warning_button_other": ("I'm still here", "ยังใช้งานอยู่"),
    # --- please take your card ---------------------------------------------------------------
    "take_title": ("กรุณารับบัตรคืน", "Please take your card"),
    "take_other_language": ("Please take your card", "กรุณารับบัตรคืน"),
    "take_finished": ("ขอบคุณที่ใช้บริการ", "Thank you for visiting"),
    "take_declined": (
        "ท่านไม่ได้ให้ความยินยอม เครื่องจึงไม่ได้ตรวจสอบสิทธิ์",
        "You did not agree, so nothing was checked.",
    ),
    "take_timed_out": ("หมดเวลาใช้งาน", "Your time ran out"),
    "take_read_failed": (
        "อ่านบัตรไม่ได้ กรุณาตรวจดูว่าเป็นบัตรประชาชน แล้วเสียบใหม่อีกครั้ง",
        "The card could not be read. Check it is a Thai ID card and insert it again.",
    ),
    "take_found_at_start": ("มีบัตรค้างอยู่ในเครื่อง", "A card was left in the kiosk"),
    "take_reset": ("ขออภัย เกิดข้อขัดข้อง กรุณาเริ่มใหม่", "Sorry, something went wrong."),
    "take_cleared": (
        "ข้อมูลของท่านถูกลบออกจากหน้าจอแล้ว",
        "Your information has been cleared from the screen.",
    ),
    "take_again": (
        "ถ้าต้องการตรวจอีกครั้ง ให้ดึงบัตรออกแล้วเสียบใหม่",
        "To check again, take the card out and insert it again.",
    ),
    # --- the menu of services and the record screens -------------------------------------------
    "menu_title": ("บริการอื่นของภาครัฐ", "Other government services"),
    "menu_hint": (
        "แตะเพื่อดูข้อมูลของท่าน ระบบจะสอบถามหน่วยงานเมื่อท่านแตะเท่านั้น",
        "Tap to see your information. An agency is asked only when you tap.",
    ),
    "menu_group_records": ("ข้อมูลของท่าน", "Your records"),
    "menu_group_health": ("สุขภาพ", "Health"),
    "menu_group_money": ("เงินที่ต้องจ่ายและเงินที่ได้รับ", "Money owed and paid"),
    "menu_group_help": ("ความช่วยเหลืออื่น", "Other help"),
    "record_from": ("จาก {agency}", "From {agency}"),
    "record_asking": ("กำลังสอบถามหน่วยงาน กรุณารอสักครู่…", "Asking the agency, one moment…"),
    "record_unavailable": (
        "ขณะนี้ยังไม่ได้ข้อมูลจากหน่วยงาน เพราะ{why} กรุณาลองใหม่ภายหลัง",
        "The agency's information is not available now: {why}. Please try again later.",
    ),
    "record_not_kept": (
        "ข้อมูลนี้ไม่มีสำเนาเก็บไว้ในเครื่อง",
        "This information is not kept on the kiosk.",
    ),
    "record_not_found": (
        "หน่วยงานไม่มีข้อมูลของท่านในเรื่องนี้",
        "The agency has nothing on record for you here.",
    ),
    "record_copy": (
        "ข้อมูลจากสำเนาในเครื่อง ณ {date} เพราะ{why}",
        "From the kiosk's copy of {date}, because {why}.",
    ),
    "record_hidden": (
        "ข้อมูลนี้เป็นข้อมูลส่วนตัว กรุณาดูให้แน่ใจว่าไม่มีผู้อื่นมองอยู่ แล้วแตะปุ่มด้านล่าง",
        "This is private. Make sure nobody else is looking, then tap the button below.",
    ),
    "record_show": ("แสดงข้อมูล", "Show it"),
    "record_page": ("หน้า {page} จาก {pages}", "Page {page} of {pages}"),
    "record_previous": ("ก่อนหน้า", "Previous"),
    "record_next": ("ถัดไป", "Next"),
    "record_pay": ("ยอดชำระ {amount} บาท", "Amount due {amount} baht"),
    "record_money": ("{amount} บาท", "{amount} baht"),
    "record_handoff_link": ("สแกนคิวอาร์โค้ด: {label}", "Scan the QR code: {label}"),
    "slip_memo_title": ("บันทึกข้อมูล: {title}", "Memo: {title}"),
    "slip_memo_note": (
        "บันทึกนี้พิมพ์เพื่อให้ท่านทราบเท่านั้น ไม่ใช่เอกสารราชการ กรุณาตรวจสอบกับหน่วยงาน",
        "This memo is for your information only. It is not an official document; please "
        "confirm with the agency.",
    ),
    # --- printed slip ------------------------------------------------------------------------
    "slip_title": ("สรุปสิทธิ์และสวัสดิการรัฐ", "Summary of state rights and benefits"),
    "slip_kiosk": ("เครื่อง {kiosk}", "Kiosk {kiosk}"),
    "slip_printed": ("พิมพ์เมื่อ {when}", "Printed {when}"),
    "slip_name": ("ชื่อ {name}", "Name {name}"),
    "slip_cid": ("เลขประจำตัวประชาชน {cid}", "ID number {cid}"),
    "slip_as_of": ("ข้อมูล ณ {date}", "As of {date}"),
    "slip_not_certificate": (
        "ใบสรุปนี้ไม่ใช่หนังสือรับรองสิทธิ์ กรุณาตรวจสอบกับหน่วยงานอีกครั้ง",
        "This summary is not a certificate; please confirm with the agency.",
    ),
    # --- maintenance mode (technicians) ---------------------------------------------------------
    "maint_pin_title": ("งานซ่อมบำรุง — ใส่รหัส PIN", "Maintenance — enter the PIN"),
    "maint_pin_hint": ("สำหรับเจ้าหน้าที่เท่านั้น", "For technicians only"),
    "maint_pin_ok": ("ตกลง", "OK"),
    "maint_pin_delete": ("ลบ", "Delete"),
    "maint_pin_cancel": ("ยกเลิก", "Cancel"),
    "maint_pin_checking": ("กำลังตรวจสอบ…", "Checking…"),
    "maint_pin_wrong": ("รหัสไม่ถูกต้อง เหลืออีก {n} ครั้ง", "Wrong PIN: {n} tries left"),
    "maint_locked": (
        "ใส่รหัสผิดหลายครั้ง งานซ่อมบำรุงถูกล็อก ลองใหม่ใน {time}",
        "Too many wrong PINs: maintenance is locked. Try again in {time}.",
    ),
    "maint_not_set": (
        "ปิดงานซ่อมบำรุงอยู่: ยังไม่ได้ตั้งรหัส PIN — ใช้คำสั่ง kiosk set-pin",
        "maintenance disabled: no PIN set — run kiosk set-pin",
    ),
    "maint_refused_session": (
        "มีผู้ใช้บริการอยู่ จึงเข้างานซ่อมบำรุงไม่ได้",
        "A citizen is using the kiosk: maintenance was not entered.",
    ),
    "maint_time_min_s": ("{m} นาที {s} วินาที", "{m} min {s} s"),
    "maint_time_s": ("{s} วินาที", "{s} s"),
    "maint_time_h_min": ("{h} ชั่วโมง {m} นาที", "{h} h {m} min"),
    "maint_title": ("งานซ่อมบำรุง", "Maintenance"),
    "maint_header": (
        "เครื่อง {kiosk} · รุ่น {version} · เปิดมาแล้ว {uptime}",
        "Kiosk {kiosk} · version {version} · up {uptime}",
    ),
    "maint_tab_status": ("สถานะ", "Status"),
    "maint_tab_card": ("ทดสอบบัตร", "Card test"),
    "maint_tab_agencies": ("หน่วยงาน", "Agencies"),
    "maint_tab_cache": ("สำเนาออฟไลน์", "Offline cache"),
    "maint_tab_log": ("บันทึก", "Log"),
    "maint_tab_kiosk": ("เครื่อง", "Kiosk"),
    "maint_leave": ("ออกจากงานซ่อมบำรุง", "Leave maintenance"),
    "maint_refresh": ("โหลดใหม่", "Refresh"),
    "maint_loading": ("กำลังโหลด…", "Loading…"),
    "maint_load_failed": ("โหลดไม่สำเร็จ ({why}) กดโหลดใหม่", "Could not load ({why}). Tap Refresh."),
    "maint_checked_at": ("ตรวจเมื่อ {time}", "Checked at {time}"),
    "maint_verdict_ok": ("ปกติ", "OK"),
    "maint_verdict_warn": ("ควรตรวจ", "Warning"),
    "maint_verdict_fail": ("ขัดข้อง", "Fault"),
    "maint_fix": ("วิธีแก้: {fix}", "Fix: {fix}"),
    "maint_summary_ok": ("ทุกอย่างปกติ", "Everything is OK"),
    "maint_summary": ("ขัดข้อง {fail} · ควรตรวจ {warn}", "Faults: {fail} · warnings: {warn}"),
    "maint_agency_details": (
        "เวลาตอบ {latency} · วงจรตัด: {breaker} · ล้มเหลวติดกัน {failures} ครั้ง",
        "latency {latency} · circuit breaker {breaker} · {failures} failures in a row",
    ),
    "maint_no_latency": ("-", "-"),
    "maint_last_errors": ("คำเตือนและข้อผิดพลาดล่าสุดในบันทึก", "Last warnings and errors in the log"),
    "maint_no_errors": ("ไม่มี", "None"),
    "maint_card_intro": (
        "เสียบบัตรในเครื่องอ่าน แล้วกดอ่านบัตร ข้อมูลส่วนบุคคลจะถูกปิดบัง",
        "Insert a card into the reader, then tap Read. Personal data stays hidden.",
    ),
    "maint_card_read": ("อ่านบัตร", "Read the card"),
    "maint_card_reading": ("กำลังอ่านบัตร…", "Reading the card…"),
    "maint_card_ok": ("อ่านบัตรสำเร็จ ใช้เวลา {ms} ms", "Card read in {ms} ms"),
    "maint_card_failed": ("อ่านบัตรไม่สำเร็จ ({kind}): {why}", "The read failed ({kind}): {why}"),
    "maint_card_reader": ("เครื่องอ่าน: {reader}", "Reader: {reader}"),
    "maint_card_any_reader": ("เครื่องอ่านใดก็ได้ที่มีบัตร", "any reader with a card"),
    "maint_card_atr": ("ATR: {atr}", "ATR: {atr}"),
    "maint_card_cid": ("เลขประจำตัว: {cid} (เลขตรวจสอบถูกต้อง)", "CID: {cid} (checksum OK)"),
    "maint_card_initials": ("อักษรย่อชื่อ: {initials}", "Initials: {initials}"),
    "maint_card_apdus": (
        "APDU {count} ครั้ง รวม {total} ms ช้าสุด {slowest} ms ({kind})",
        "APDUs: {count}, {total} ms in all, slowest {slowest} ms ({kind})",
    ),
    "maint_card_bytes": (
        "ส่ง {sent} ไบต์ · รับ {received} ไบต์",
        "Sent {sent} bytes · received {received} bytes",
    ),
    "maint_card_fields": ("ข้อมูลในบัตร", "Fields on the card"),
    "maint_field_cid": ("เลขประจำตัวประชาชน", "Citizen ID"),
    "maint_field_name_th": ("ชื่อภาษาไทย", "Thai name"),
    "maint_field_name_en": ("ชื่อภาษาอังกฤษ", "English name"),
    "maint_field_birth_date": ("วันเกิด", "Birth date"),
    "maint_field_gender": ("เพศ", "Gender"),
    "maint_field_issuer": ("ผู้ออกบัตร", "Issuer"),
    "maint_field_issue_date": ("วันออกบัตร", "Issue date"),
    "maint_field_expiry_date": ("วันบัตรหมดอายุ", "Expiry date"),
    "maint_field_address": ("ที่อยู่", "Address"),
    "maint_field_photo": ("รูปถ่าย", "Photo"),
    "maint_field_nhso": ("สิทธิสุขภาพ (สปสช.)", "Health right (NHSO applet)"),
    "maint_field_laser_id": ("เลขหลังบัตร", "Laser ID"),
    "maint_field_ok": ("อ่านได้", "read OK"),
    "maint_field_missing": ("ว่างหรืออ่านไม่ได้", "empty or unreadable"),
    "maint_field_absent": ("ไม่มีในบัตรนี้", "not on this card"),
    "maint_field_bytes": ("{n} ไบต์", "{n} bytes"),
    "maint_agencies_intro": (
        "ทดสอบการเชื่อมต่อกับแต่ละหน่วยงาน (ไม่ส่งข้อมูลประชาชน)",
        "Probe each agency's own endpoint (no citizen's data is sent).",
    ),
    "maint_probe": ("ทดสอบ", "Probe"),
    "maint_probing": ("กำลังทดสอบ…", "Probing…"),
    "maint_no_agencies": (
        "ไม่มีหน่วยงานที่ใช้งาน: แก้การตั้งค่าก่อน",
        "No agency in use: fix the configuration first.",
    ),
    "maint_cache_intro": (
        "สำเนาคำตอบแบบเข้ารหัส ใช้ตอบเมื่อเครือข่ายขัดข้อง",
        "Encrypted copies of agencies' answers, shown when the network is down.",
    ),
    "maint_purge_expired": ("ลบสำเนาที่หมดอายุ", "Delete expired copies"),
    "maint_purge_all": ("ลบสำเนาทั้งหมด", "Delete all copies"),
    "maint_confirm_expired": (
        "ลบสำเนาที่เก่ากว่า {days} วันใช่ไหม",
        "Delete the copies older than {days} days?",
    ),
    "maint_confirm_all": (
        "ลบสำเนาทั้งหมดใช่ไหม เมื่อเครือข่ายขัดข้อง เครื่องจะไม่มีคำตอบสำหรับผู้ที่เคยใช้บริการ",
        "Delete every copy? When the network is down, the kiosk will have nothing to show "
        "for citizens seen before.",
    ),
    "maint_confirm_delete": ("ยืนยัน ลบเลย", "Yes, delete"),
    "maint_confirm_go": ("ยืนยัน", "Yes, go ahead"),
    "maint_confirm_cancel": ("ยกเลิก", "Cancel"),
    "maint_purging": ("กำลังลบ…", "Deleting…"),
    "maint_purged": ("ลบแล้ว {n} รายการ", "Deleted {n} copies."),
    "maint_purge_failed": (
        "ไม่ได้ลบ: ใช้สำเนาออฟไลน์ไม่ได้ (ดูสถานะ)",
        "Nothing deleted: the offline cache cannot be used (see the status).",
    ),
    "maint_log_intro": ("{n} บรรทัดล่าสุดของบันทึก", "The last {n} lines of the log"),
    "maint_log_empty": ("บันทึกว่างหรืออ่านไม่ได้", "The log is empty or cannot be read."),
    "maint_print_test": ("พิมพ์ทดสอบ", "Test print"),
    "maint_printing": ("กำลังพิมพ์…", "Printing…"),
    "maint_no_printer": (
        "ไม่ได้ตั้งเครื่องพิมพ์ (printer.name) จึงปิดการพิมพ์อยู่",
        "No printer is set (printer.name): printing is off.",
    ),
    "maint_printed": ("พิมพ์ใบทดสอบแล้ว", "The test slip was printed."),
    "maint_print_failed": (
        "พิมพ์ไม่สำเร็จ: ตรวจเครื่องพิมพ์และกระดาษ",
        "Printing failed: check the printer and its paper.",
    ),
    "maint_restart": ("เริ่มโปรแกรมใหม่", "Restart the kiosk app"),
    "maint_confirm_restart": (
        "เริ่มโปรแกรมใหม่ใช่ไหม ใช้เวลาไม่กี่วินาที",
        "Restart the kiosk app? It is back in a few seconds.",
    ),
    "maint_exit": ("ออกไปยังเดสก์ท็อป", "Exit to the desktop"),
    "maint_confirm_exit": (
        "ปิดโปรแกรมแล้วออกไปยังเดสก์ท็อปใช่ไหม เครื่องจะไม่ให้บริการจนกว่าจะเปิดใหม่",
        "Close the kiosk app and exit to the desktop? The kiosk stays closed until started again.",
    ),
    "slip_test_title": ("ทดสอบการพิมพ์ / TEST PRINT", "TEST PRINT"),
    "slip_test_body": (
        "ถ้าอ่านข้อความนี้ได้ เครื่องพิมพ์ใช้งานได้",
        "If you can read this, the printer works.",
    ),
}

THAI_MONTHS: Final = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_SHORT_MONTHS: Final = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
ENGLISH_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
LANGUAGES: Final = ("th", "en")


class Words:
    """The string table in one language: `words("results_age", age=72)`."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"no strings for language {language!r}")
        self.language = language
        self._index = LANGUAGES.index(language)

    def __call__(self, key: str, **values: object) -> str:
        """The text for `key`, with its `{fields}` filled from `values`."""
        text = STRINGS[key][self._index]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        """True when the table has `key`."""
        return key in STRINGS

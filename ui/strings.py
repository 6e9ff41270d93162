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

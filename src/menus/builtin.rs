//! The engine's own texts in the shipped languages, used when a flow's `messages:` leaves
//! one out. A flow in another language must write its own (the validator says which).

use super::program::{Messages, Text};
use super::template::Template;

fn text(pairs: &[(&str, &str)]) -> Text {
    Text {
        by_lang: pairs
            .iter()
            .filter_map(|(l, s)| Template::parse(s).ok().map(|t| ((*l).to_owned(), t)))
            .collect(),
    }
}

/// The built-in messages.
pub fn messages() -> Messages {
    Messages {
        invalid: vec![
            text(&[
                ("en", "Invalid choice."),
                ("fa", "گزینه نامعتبر."),
                ("id", "Pilihan tidak valid."),
                ("vi", "Lựa chọn không hợp lệ."),
                ("zh", "选择无效。"),
            ]),
            text(&[
                ("en", "Please press one of the numbers shown."),
                ("fa", "لطفاً یکی از شماره‌های نمایش داده شده را بزنید."),
                ("id", "Tekan salah satu nomor yang ditampilkan."),
                ("vi", "Vui lòng bấm một số trong danh sách."),
                ("zh", "请按显示的数字之一。"),
            ]),
            text(&[
                ("en", "Last try: press one of the numbers shown."),
                ("fa", "آخرین فرصت: یکی از شماره‌ها را بزنید."),
                ("id", "Kesempatan terakhir: tekan salah satu nomor."),
                ("vi", "Lần cuối: bấm một số trong danh sách."),
                ("zh", "最后一次：请按显示的数字。"),
            ]),
        ],
        timeout: vec![
            text(&[
                ("en", "We did not hear a key."),
                ("fa", "کلیدی دریافت نشد."),
                ("id", "Kami tidak mendengar tombol."),
                ("vi", "Chúng tôi không nhận được phím nào."),
                ("zh", "没有收到按键。"),
            ]),
            text(&[
                ("en", "Please press a key now."),
                ("fa", "لطفاً اکنون یک کلید را بزنید."),
                ("id", "Silakan tekan tombol sekarang."),
                ("vi", "Vui lòng bấm phím ngay."),
                ("zh", "请现在按键。"),
            ]),
            text(&[
                ("en", "Last try: please press a key."),
                ("fa", "آخرین فرصت: یک کلید بزنید."),
                ("id", "Kesempatan terakhir: tekan tombol."),
                ("vi", "Lần cuối: vui lòng bấm phím."),
                ("zh", "最后一次：请按键。"),
            ]),
        ],
        more: text(&[
            ("en", "More"),
            ("fa", "بیشتر"),
            ("id", "Lagi"),
            ("vi", "Tiếp"),
            ("zh", "更多"),
        ]),
        prev: text(&[
            ("en", "Prev"),
            ("fa", "قبلی"),
            ("id", "Sebelumnya"),
            ("vi", "Trước"),
            ("zh", "上页"),
        ]),
        back: text(&[
            ("en", "Back"),
            ("fa", "بازگشت"),
            ("id", "Kembali"),
            ("vi", "Quay lại"),
            ("zh", "返回"),
        ]),
        failure: text(&[
            (
                "en",
                "Sorry, the service cannot continue. Please dial again later.",
            ),
            (
                "fa",
                "متأسفیم، سرویس ادامه نمی‌یابد. لطفاً بعداً دوباره شماره بگیرید.",
            ),
            (
                "id",
                "Maaf, layanan tidak dapat dilanjutkan. Silakan coba lagi nanti.",
            ),
            (
                "vi",
                "Xin lỗi, dịch vụ không thể tiếp tục. Vui lòng gọi lại sau.",
            ),
            ("zh", "抱歉，服务无法继续。请稍后再拨。"),
        ]),
    }
}

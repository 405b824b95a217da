import Foundation

/// The vendor's mode names by their `base_size`, `image_size`, `crop_mode`.
enum VisionModeName {
    static func named(base: String, image: String, crop: Bool) -> String? {
        switch (base, image, crop) {
        case ("1024", "640", true): return "gundam"
        case ("512", "512", false): return "tiny"
        case ("640", "640", false): return "small"
        case ("1024", "1024", false): return "base"
        case ("1280", "1280", false): return "large"
        default: return nil
        }
    }
}

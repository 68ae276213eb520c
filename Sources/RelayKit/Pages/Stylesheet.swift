/// The one stylesheet, served from our own origin: GOV.UK Design System in spirit, no web fonts.
enum Stylesheet {
    static let css = """
        *,*::before,*::after{box-sizing:border-box}
        body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;font-size:1.1875rem;line-height:1.5;color:#0b0c0c;background:#fff}
        .width{max-width:960px;margin:0 auto;padding:0 15px}
        .skip-link{position:absolute;left:-9999px}.skip-link:focus{left:0;top:0;background:#fd0;color:#0b0c0c;padding:10px;z-index:1}
        .header{background:#0b0c0c;color:#fff;padding:10px 0;border-bottom:10px solid #1d70b8}.header-name{margin:0;font-weight:700}
        main{padding:20px 15px 40px}h1{font-size:2rem;line-height:1.2;margin:0 0 20px}
        .warning{border-left:5px solid #0b0c0c;padding:0 15px;margin-bottom:20px}
        .form-group{margin-bottom:25px}.form-group-error{border-left:5px solid #d4351c;padding-left:15px}
        label,legend{display:block;font-weight:700;margin-bottom:5px}fieldset{border:0;padding:0;margin:0 0 25px;min-width:0}
        .hint{color:#505a5f;margin:0 0 10px}.error-message{color:#d4351c;font-weight:700;margin:0 0 10px}
        input[type=text],textarea,select{width:100%;max-width:40em;font:inherit;padding:5px;border:2px solid #0b0c0c;border-radius:0}
        .radio,.checkbox{display:flex;align-items:flex-start;gap:10px;margin-bottom:10px}.radio label,.checkbox label{font-weight:400}
        input[type=radio],input[type=checkbox]{width:28px;height:28px;margin:0;flex:none}
        input:focus,textarea:focus,select:focus,button:focus,a:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:inset 0 0 0 2px #0b0c0c}
        .button{font:inherit;font-weight:700;background:#00703c;color:#fff;border:0;padding:10px 20px;box-shadow:0 2px 0 #002d18;cursor:pointer}
        .error-summary{border:5px solid #d4351c;padding:15px;margin-bottom:30px}.error-summary h2{margin-top:0}.error-summary a{color:#d4351c;font-weight:700}
        .panel{background:#00703c;color:#fff;padding:25px;margin-bottom:20px;text-align:center}.receipt{display:block;font-size:2rem;letter-spacing:.1em}
        .contact{border-top:2px solid #b1b4b6;padding-top:20px}.footer{border-top:1px solid #b1b4b6;padding:20px 0;color:#505a5f;font-size:1rem}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        a{color:#1d70b8}
        """
}
